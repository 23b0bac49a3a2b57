#!/bin/bash
# make_bundle.sh GUEST_ELF BUNDLE_DIR [args...]: wraps a guest image as an OCI bundle.
# The rootfs holds only the guest at /<basename>: runz must recognise it as a vm workload
# from process.args[0] alone (PVH note or multiboot header), with no shell or libc around.
# Extra args go to process.args after the image; replaces an existing bundle at BUNDLE_DIR.
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 GUEST_ELF BUNDLE_DIR [args...]" >&2
    exit 2
fi
guest=$1 bundle=$2
shift 2
[[ -f $guest ]] || { echo "make_bundle.sh: no guest image at $guest" >&2; exit 1; }
command -v jq >/dev/null || { echo "make_bundle.sh: jq is not installed (apt-get install jq)" >&2; exit 1; }

name=$(basename "$guest")
rm -rf "$bundle/rootfs"
mkdir -p "$bundle/rootfs"
install -m 0755 "$guest" "$bundle/rootfs/$name"

jq -n --arg arg0 "/$name" '$ARGS.positional as $rest | {
    ociVersion: "1.2.0",
    process: {
        terminal: false,
        user: {uid: 0, gid: 0},
        args: ([$arg0] + $rest),
        env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
        cwd: "/"
    },
    root: {path: "rootfs"},
    hostname: "runz-guest",
    linux: {
        namespaces: [
            {type: "pid"}, {type: "ipc"}, {type: "uts"}, {type: "mount"}, {type: "network"}
        ]
    }
}' --args "$@" > "$bundle/config.json.tmp"
mv -f "$bundle/config.json.tmp" "$bundle/config.json"
