#!/usr/bin/env python3
# Module dependency closure (adapted from the verified vmlab recipe).
"""modclosure.py MODDIR MODE [names...]
MODE=rootfs: print the module files (relative to MODDIR) to ship in the VM rootfs:
  everything under net/ fs/ lib/ crypto/ arch/ drivers/{net,virtio,block,char}
  (minus hardware NIC/wireless/usb trees) plus the full dependency closure.
MODE=load: print the given modules (by name) with deps, in load order (deps first)."""
import os, re, sys
moddir, mode, names = sys.argv[1], sys.argv[2], sys.argv[3:]
dep = {}
for l in open(os.path.join(moddir, "modules.dep")):
    k, v = l.split(":", 1); dep[k] = v.split()
byname = {re.sub(r"\.ko(\.\w+)?$", "", os.path.basename(k)).replace("-", "_"): k for k in dep}
if mode == "rootfs":
    inc = re.compile(r"^kernel/(net|fs|lib|crypto|arch|drivers/(net|virtio|block|char))/")
    exc = re.compile(r"^kernel/drivers/net/(wireless|ethernet|usb|can|wwan|ieee802154|hamradio|arcnet|fddi|plip|slip|appletalk|pcs|phy|mdio|dsa|ipa|fjes|hyperv|vmxnet3|xen-netback)/")
    roots = [k for k in dep if inc.match(k) and not exc.match(k)]
else:
    roots = [byname[n.replace("-", "_")] for n in names]
out, seen = [], set()
def visit(k):
    if k in seen: return
    seen.add(k)
    for d in reversed(dep[k]): visit(d)   # modules.dep lists deps in reverse load order
    out.append(k)
for r in roots: visit(r)
print("\n".join(out))
