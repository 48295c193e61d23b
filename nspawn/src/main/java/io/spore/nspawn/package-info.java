/**
 * Machines: a read-only lower directory (the lazy FUSE view of an image, or any root directory)
 * booted with systemd-nspawn on a per-machine overlayfs upper layer.
 *
 * <p>{@link io.spore.nspawn.Machines} is the whole public surface, with its records
 * {@link io.spore.nspawn.MachineSpec} and {@link io.spore.nspawn.MachineInfo}. It works on a host
 * without systemd as PID 1 ({@code --register=no --keep-unit}). Networking is done from the host
 * side before boot: a network namespace per machine with the inner veth end ({@code host0})
 * addressed and routed, which systemd-nspawn joins ({@code --network-namespace-path}), so the
 * address is there whatever init the image runs; the host end sits on one bridge; an nftables
 * table of Spore's own masquerades the pool. State is one {@code config.json} per machine; a
 * running machine is recognised by the pid and start time of its systemd-nspawn.
 *
 * <p>Layout under the data directory: {@code machines/<name>/{upper,work,root,config.json,console.log}},
 * {@code machines/.lock} (one operation at a time across processes), {@code run/<id>/} (the
 * throw-away layer of {@code run}).
 */
package io.spore.nspawn;
