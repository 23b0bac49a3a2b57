// vm guest networking, the pure parts: tap names, the runz.net= word (host encoder, guest
// init decoder), what each guest family is told, /proc/net/route parsing.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "backends/vm/guest_kind.hpp"
#include "backends/vm/guest_net_config.hpp"
#include "backends/vm/guest_network.hpp"
#include "linux/net_interfaces.hpp"
#include "unit_helpers.hpp"

namespace runz::backends::vm {
namespace {

using test::error_of;

GuestNetConfig sample() { return {"de:07:e8:25:0e:f4", "10.88.0.2", 16, "10.88.0.1", 1450}; }

TEST(VmGuestNetwork, TapNameIsPerContainerAndFitsAnInterfaceName) {
  std::string a = tap_name_for("my-container"), b = tap_name_for("my-container2");
  EXPECT_EQ(a, tap_name_for("my-container"));
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 13u);
  EXPECT_TRUE(a.starts_with("tap"));
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef", 3), std::string::npos);
  EXPECT_EQ(tap_name_for(std::string(1024, 'x')).size(), 13u);
}

TEST(VmGuestNetwork, ParamRoundTrips) {
  std::string word = encode_guest_net_param(sample());
  EXPECT_EQ(word, "runz.net=de:07:e8:25:0e:f4,10.88.0.2/16,10.88.0.1,1450");
  auto back = decode_guest_net_param(word.substr(word.find('=') + 1));
  ASSERT_TRUE(back) << error_of(back);
  EXPECT_EQ(back->mac, "de:07:e8:25:0e:f4");
  EXPECT_EQ(back->address, "10.88.0.2");
  EXPECT_EQ(back->prefix, 16u);
  EXPECT_EQ(back->gateway, "10.88.0.1");
  EXPECT_EQ(back->mtu, 1450u);
}

TEST(VmGuestNetwork, ParamWithoutGatewayOrMtu) {
  auto n = decode_guest_net_param("52:54:00:12:34:56,192.168.1.5/24,,1500");
  ASSERT_TRUE(n) << error_of(n);
  EXPECT_EQ(n->gateway, "");
  n = decode_guest_net_param("52:54:00:12:34:56,192.168.1.5/24");
  ASSERT_TRUE(n) << error_of(n);
  EXPECT_EQ(n->mtu, 1500u);
  GuestNetConfig no_gw = sample();
  no_gw.gateway = "";
  EXPECT_EQ(encode_guest_net_param(no_gw), "runz.net=de:07:e8:25:0e:f4,10.88.0.2/16,,1450");
}

TEST(VmGuestNetwork, BadParamsAreRejected) {
  for (const char* bad : {"", "52:54:00:12:34:56", "52:54:00:12:34,10.0.0.2/24", "52:54:00:12:34:56,10.0.0.2",
                          "52:54:00:12:34:56,10.0.0.256/24", "52:54:00:12:34:56,10.0.0.2/33",
                          "52:54:00:12:34:56,10.0.0.2/24,10.0.0", "52:54:00:12:34:56,10.0.0.2/24,10.0.0.1,12",
                          "52:54:00:12:34:56,10.0.0.2/24,10.0.0.1,1500,x", "52:54:00:12:34:56,1.2.3.4.5/8"})
    EXPECT_FALSE(decode_guest_net_param(bad)) << bad;
}

TEST(VmGuestNetwork, Ipv4Helpers) {
  uint32_t v = 0;
  EXPECT_TRUE(parse_ipv4("10.1.2.3", v));
  EXPECT_EQ(v, 0x0a010203u);
  EXPECT_FALSE(parse_ipv4("10.1.2", v));
  EXPECT_FALSE(parse_ipv4("10.1.2.x", v));
  EXPECT_FALSE(parse_ipv4("10.1.2.0003", v));
  EXPECT_EQ(ipv4_netmask(24), 0xffffff00u);
  EXPECT_EQ(ipv4_netmask(0), 0u);
  EXPECT_EQ(ipv4_netmask(32), 0xffffffffu);
  in_addr mask{};
  mask.s_addr = htonl(0xfffff000u);
  EXPECT_EQ(linux::prefix_of_netmask(mask), 20u);
}

TEST(VmGuestNetwork, LinuxGuestGetsTheParamOnItsCommandLine) {
  auto kind = make_guest_kind(GuestFamily::linux);
  EXPECT_TRUE(kind->has_nic_driver());
  VmPlan p;
  p.cmdline = "console=ttyS0 quiet";
  ASSERT_TRUE(kind->configure_network(p, sample()));
  EXPECT_EQ(p.cmdline, "console=ttyS0 quiet runz.net=de:07:e8:25:0e:f4,10.88.0.2/16,10.88.0.1,1450");
}

TEST(VmGuestNetwork, HermitGetsItsOwnOptionsBeforeTheArgs) {
  auto kind = make_guest_kind(GuestFamily::hermit);
  EXPECT_TRUE(kind->has_nic_driver());
  VmPlan p;
  p.cmdline = "-freq 2400 -- app-arg";
  ASSERT_TRUE(kind->configure_network(p, sample()));
  EXPECT_EQ(p.cmdline, "-ip 10.88.0.2 -gateway 10.88.0.1 -mask 255.255.0.0 -freq 2400 -- app-arg");
  GuestNetConfig no_gw = sample();
  no_gw.gateway = "";
  no_gw.prefix = 24;
  p.cmdline = "--";
  ASSERT_TRUE(kind->configure_network(p, no_gw));
  EXPECT_EQ(p.cmdline, "-ip 10.88.0.2 -mask 255.255.255.0 --");
}

TEST(VmGuestNetwork, BaremetalGuestsHaveNoNic) {
  auto kind = make_guest_kind(GuestFamily::baremetal);
  EXPECT_FALSE(kind->has_nic_driver());
  VmPlan p;
  EXPECT_FALSE(kind->configure_network(p, sample()));
}

TEST(VmGuestNetwork, DefaultGatewayFromProcNetRoute) {
  const char* table =
      "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
      "eth0\t0000580A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n"
      "eth1\t00000000\t0101A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
      "eth0\t00000000\t0100580A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n";
  auto gw = linux::parse_default_gateway(table, "eth0");
  ASSERT_TRUE(gw);
  EXPECT_EQ(linux::format_ipv4(*gw), "10.88.0.1");
  EXPECT_EQ(linux::format_ipv4(*linux::parse_default_gateway(table, "eth1")), "192.168.1.1");
  EXPECT_FALSE(linux::parse_default_gateway(table, "eth2"));
  // a default route that is down, or not through a gateway, is none
  EXPECT_FALSE(linux::parse_default_gateway("h\neth0\t00000000\t0100580A\t0002\t0\t0\t0\t00000000\t0\t0\t0\n", "eth0"));
  EXPECT_FALSE(linux::parse_default_gateway("h\neth0\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0\n", "eth0"));
}

}  // namespace
}  // namespace runz::backends::vm
