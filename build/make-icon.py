#!/usr/bin/env python3
"""Draws icon.png (512x512): a warm rounded square with a router glyph, one
input fanning out to three providers. Pure standard library, so it runs anywhere:
    python3 build/make-icon.py icon.png
"""
import math
import struct
import sys
import zlib

SIZE = 512


def rounded_box(x, y, cx, cy, half, radius):
    qx = abs(x - cx) - half + radius
    qy = abs(y - cy) - half + radius
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def segment(x, y, ax, ay, bx, by):
    px, py, dx, dy = x - ax, y - ay, bx - ax, by - ay
    t = max(0.0, min(1.0, (px * dx + py * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - dx * t, py - dy * t)


def coverage(distance):
    """Signed distance (pixels, negative inside) to anti-aliased coverage."""
    return max(0.0, min(1.0, 0.5 - distance))


def blend(under, over, alpha):
    return tuple(u + (o - u) * alpha for u, o in zip(under, over))


SOURCE = (150.0, 256.0)
TARGETS = [(370.0, 150.0), (370.0, 256.0), (370.0, 362.0)]
HUB = (250.0, 256.0)


def pixel(x, y):
    # Background: rounded square with a diagonal warm gradient.
    box = rounded_box(x, y, 256, 256, 240, 96)
    t = (x + y) / (2 * SIZE)
    background = (217 - 30 * t, 119 - 40 * t, 87 - 20 * t)
    alpha = coverage(box)
    if alpha == 0.0:
        return (0, 0, 0, 0)
    colour = background
    cream = (250.0, 243.0, 232.0)
    # Lines: the source into the hub, the hub out to each provider.
    lines = min([segment(x, y, SOURCE[0] + 44, SOURCE[1], *HUB)] + [segment(x, y, *HUB, *t) for t in TARGETS]) - 14
    colour = blend(colour, cream, coverage(lines))
    # Nodes: a ring for the client, a solid hub, solid provider dots.
    ring = abs(math.hypot(x - SOURCE[0], y - SOURCE[1]) - 44) - 14
    colour = blend(colour, cream, coverage(ring))
    hub = math.hypot(x - HUB[0], y - HUB[1]) - 30
    colour = blend(colour, cream, coverage(hub))
    for target in TARGETS:
        dot = math.hypot(x - target[0], y - target[1]) - 36
        colour = blend(colour, cream, coverage(dot))
    return (round(colour[0]), round(colour[1]), round(colour[2]), round(255 * alpha))


def write_png(path, rows):
    raw = b"".join(b"\x00" + bytes(row) for row in rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)
    with open(path, "wb") as png:
        png.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "icon.png"
    rows = []
    for y in range(SIZE):
        row = []
        for x in range(SIZE):
            row.extend(pixel(x + 0.5, y + 0.5))
        rows.append(row)
    write_png(path, rows)


if __name__ == "__main__":
    main()
