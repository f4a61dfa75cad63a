"""Summarise a py-spy collapsed-stack file: the share of samples each function is on the stack
(inclusive) and at the top (self), for the functions that matter most.

Run: ``python -m tests.bench.profile FILE [--top N] [--match TEXT]``.
"""

from __future__ import annotations

import argparse
from collections import Counter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--match", default="", help="only functions whose frame contains this")
    args = parser.parse_args()
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    with open(args.file) as stacks:
        for line in stacks:
            stack, _, count_text = line.rstrip().rpartition(" ")
            count = int(count_text)
            frames = stack.split(";")
            total += count
            for frame in set(frames):
                inclusive[frame] += count
            own[frames[-1]] += count
    print(f"{total} samples")
    for frame, count in inclusive.most_common():
        if args.match in frame:
            print(
                f"{100 * count / total:5.1f} % incl {100 * own[frame] / total:5.1f} % self  {frame}"
            )
            args.top -= 1
            if args.top == 0:
                break


if __name__ == "__main__":
    main()
