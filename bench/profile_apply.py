#!/usr/bin/env python3
"""Where Engine::apply spends its time, from a perf profile with call graphs.

Keeps only the samples taken inside the timed stream (a stack through Engine::apply, but not
through loading or a query's bootstrap), then prints the hottest functions by self time and by
inclusive time, as a share of those samples. See docs/performance.md for how to record.

    perf record -F 499 --call-graph dwarf,16384 -o perf.data \\
        build/h-bench/bench/engine_bench --benchmark_filter=livedash/order_stats
    perf script -i perf.data | bench/profile_apply.py
"""

import collections
import re
import sys

INSIDE = "livedash::engine::Engine::apply"
OUTSIDE = ("World::World", "Engine::addQuery", "ContinuousQuery::bootstrap")

SHORTEN = [
    (r"std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >",
     "std::string"),
    (r"std::vector<livedash::core::Value, std::allocator<livedash::core::Value> >", "RowKey"),
    (r"livedash::(core|engine)::", ""),
    (r"\(anonymous namespace\)::", ""),
]


def shorten(symbol):
    for pattern, repl in SHORTEN:
        symbol = re.sub(pattern, repl, symbol)
    # Keep only the first template argument of the outermost templates, which tells the
    # containers apart: _Hashtable<std::string, ...>::find -> _Hashtable<std::string>::find
    out, depth, first = [], 0, True
    for ch in symbol:
        if ch == "<":
            depth += 1
            if depth == 1:
                out.append("<")
                first = True
            elif first and depth > 1:
                out.append(ch)
            continue
        if ch == ">":
            if depth == 1:
                out.append(">")
            elif first and depth > 1:
                out.append(ch)
            depth -= 1
            continue
        if depth == 0:
            out.append(ch)
        elif first:
            if ch == "," and depth == 1:
                first = False
            else:
                out.append(ch)
    return re.sub(r"\s+", " ", "".join(out))[:110]


def samples(lines):
    frames = []
    for line in lines:
        if not line.strip():
            if frames:
                yield frames
            frames = []
            continue
        if line[0] in " \t":
            parts = line.strip().split(None, 1)
            if len(parts) == 2:
                symbol = re.sub(r"\+0x[0-9a-f]+ \(.*\)$", "", parts[1])
                symbol = re.sub(r" \(.*\)$", "", symbol)
                frames.append(symbol)
    if frames:
        yield frames


def main():
    total = kept = 0
    self_time = collections.Counter()
    inclusive = collections.Counter()
    for frames in samples(sys.stdin):
        total += 1
        if not any(INSIDE in f for f in frames):
            continue
        if any(o in f for f in frames for o in OUTSIDE):
            continue
        kept += 1
        self_time[shorten(frames[0])] += 1
        seen = set()
        # Frames up to Engine::apply (the part of the stack inside the engine).
        for f in frames:
            name = shorten(f)
            if name not in seen:
                inclusive[name] += 1
                seen.add(name)
            if INSIDE in f:
                break
    if not kept:
        sys.exit("no samples inside Engine::apply")
    print(f"{kept} of {total} samples are inside {INSIDE} (stream only)\n")
    print("self time")
    for name, n in self_time.most_common(25):
        print(f"  {100.0 * n / kept:5.1f}%  {name}")
    print("\ninclusive time")
    for name, n in inclusive.most_common(40):
        print(f"  {100.0 * n / kept:5.1f}%  {name}")


if __name__ == "__main__":
    main()
