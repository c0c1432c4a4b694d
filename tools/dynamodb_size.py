"""DynamoDB's capacity rules, to count what requests would cost on AWS (moto does not meter them): an item's size
is its attribute names plus values (strings in UTF-8 bytes, numbers about one byte per two digits plus one); a
write costs one unit per KB of the item, a consistent read one unit per 4 KB read."""
import math


def item_size(item):
    size = 0
    for name, value in item.items():
        size += len(name.encode())
        kind, content = next(iter(value.items()))
        if kind == "S":
            size += len(content.encode())
        elif kind == "N":
            size += math.ceil(len(content.replace(".", "").replace("-", "").lstrip("0") or "0") / 2) + 1
        elif kind == "BOOL":
            size += 1
        elif kind == "M":
            size += 3 + item_size(content)
    return size


def write_units(size):
    return max(1, math.ceil(size / 1024))


def read_units(size, consistent=True):
    units = max(1, math.ceil(size / 4096))
    return units if consistent else units / 2
