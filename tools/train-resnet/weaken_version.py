"""Marks one symbol-version requirement of an ELF64 little-endian shared object as weak.

A weak requirement that the loaded library lacks is no longer fatal to the dynamic loader; the symbol
is then bound to an unversioned definition (run.sh preloads one). Usage: weaken_version.py FILE VERSION
"""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2

path, wanted = sys.argv[1], sys.argv[2].encode()
elf = bytearray(open(path, "rb").read())
if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
    sys.exit(f"{path}: not an ELF64 little-endian file")
shoff, = struct.unpack_from("<Q", elf, 0x28)
shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
sections = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
changed = 0
for _, kind, _, _, offset, _, link, count, _, _ in sections:
    if kind != SHT_GNU_VERNEED:
        continue
    strings = sections[link][4]
    entry = offset
    for _ in range(count):
        _, aux_count, _, aux, following = struct.unpack_from("<HHIII", elf, entry)
        item = entry + aux
        for _ in range(aux_count):
            _, flags, _, name, next_item = struct.unpack_from("<IHHII", elf, item)
            start = strings + name
            if bytes(elf[start:elf.index(0, start)]) == wanted and not flags & VER_FLG_WEAK:
                struct.pack_into("<H", elf, item + 4, flags | VER_FLG_WEAK)
                changed += 1
            item += next_item
        entry += following
open(path, "wb").write(elf)
print(f"{path}: {changed} requirement(s) of {wanted.decode()} made weak")
