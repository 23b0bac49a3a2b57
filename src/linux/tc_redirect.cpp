#include "linux/tc_redirect.hpp"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>

#include <cstring>
#include <string>

namespace runz::linux {
namespace {

constexpr uint32_t kIngressHandle = 0xffff0000;  // "ffff:", TC_H_MAKE(TC_H_INGRESS, 0)

tcmsg tc_header(unsigned ifindex, uint32_t handle, uint32_t parent, uint32_t info = 0) {
  tcmsg t{};
  t.tcm_family = AF_UNSPEC;
  t.tcm_ifindex = static_cast<int>(ifindex);
  t.tcm_handle = handle;
  t.tcm_parent = parent;
  t.tcm_info = info;
  return t;
}

Result<void> add_ingress_qdisc(Rtnetlink& nl, unsigned ifindex) {
  NetlinkMessage m(RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL);
  m.header(tc_header(ifindex, kIngressHandle, TC_H_INGRESS));
  m.put_string(TCA_KIND, "ingress");
  return nl.request(m, "add an ingress qdisc to interface " + std::to_string(ifindex));
}

// u32 with one key of mask 0 matches every frame (`match u8 0 0`); the kernel here has no
// matchall classifier, u32 is everywhere.
void put_match_all_selector(NetlinkMessage& m) {
  tc_u32_sel sel{};
  sel.flags = TC_U32_TERMINAL;
  sel.nkeys = 1;
  tc_u32_key key{};  // keys[0] follows the selector
  char bytes[sizeof sel + sizeof key];
  std::memcpy(bytes, &sel, sizeof sel);
  std::memcpy(bytes + sizeof sel, &key, sizeof key);
  m.put(TCA_U32_SEL, bytes, sizeof bytes);
}

void put_mirred_redirect(NetlinkMessage& m, unsigned to_index) {
  size_t list = m.begin_nest(TCA_U32_ACT);
  size_t first = m.begin_nest(1);  // actions are numbered from 1, in order
  m.put_string(TCA_ACT_KIND, "mirred");
  size_t options = m.begin_nest(TCA_ACT_OPTIONS);
  tc_mirred p{};
  p.action = TC_ACT_STOLEN;
  p.eaction = TCA_EGRESS_REDIR;
  p.ifindex = to_index;
  m.put(TCA_MIRRED_PARMS, &p, sizeof p);
  m.end_nest(options);
  m.end_nest(first);
  m.end_nest(list);
}

}  // namespace

Result<void> redirect_ingress(Rtnetlink& nl, unsigned from_index, unsigned to_index) {
  TRYV(add_ingress_qdisc(nl, from_index));
  constexpr uint32_t prio = 1;
  NetlinkMessage m(RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL);
  m.header(tc_header(from_index, 0, kIngressHandle, TC_H_MAKE(prio << 16, htons(ETH_P_ALL))));
  m.put_string(TCA_KIND, "u32");
  size_t options = m.begin_nest(TCA_OPTIONS);
  put_match_all_selector(m);
  put_mirred_redirect(m, to_index);
  m.end_nest(options);
  return nl.request(m, "redirect interface " + std::to_string(from_index) + " to " + std::to_string(to_index));
}

}  // namespace runz::linux
