#!/usr/bin/env python3
"""A/B of two (or more) builds' CPU kernels with ConvBench, at 1 and 2 threads.

    python3 kernels/src/test/python/bench_ab.py SHAPES.json ROUNDS OUT.txt \
        main=/path/to/main/kernels/target/classes new=kernels/target/classes

Run from the repository root after `./mvnw -q -pl kernels compile` and the `bench.classpath`
step of kernels/BENCHMARKS.md (or set DEPS to the dependency classpath). For each shape and round
the builds alternate per thread count (one JVM per run, `--seconds 0.8`); OUT gets one line per
shape and build: best median pass at 1 and 2 threads and their ratio.
"""
import json, os, subprocess, sys, tempfile

shapes = json.load(open(sys.argv[1])); rounds = int(sys.argv[2]); out = sys.argv[3]
cfgs = [a.split('=', 1) for a in sys.argv[4:]]
cp = os.environ.get("DEPS") or open("kernels/target/bench.classpath").read().strip()
res = {}
tmp = tempfile.mkdtemp()
for s in shapes:
    f = os.path.join(tmp, 'one_%s.json') % s['name']; json.dump([s], open(f, 'w'))
    for r in range(rounds):
        for t in (1, 2):
            for lab, cl in cfgs:
                o = subprocess.run(['java', '--add-modules', 'jdk.incubator.vector', '-cp', cl + ':' + cp,
                    'io.sparkconv.kernels.bench.ConvBench', f, '--threads', str(t), '--seconds', '0.8'],
                    capture_output=True, text=True).stdout
                d = json.loads(o.strip().splitlines()[-1])
                k = (s['name'], lab, t)
                res.setdefault(k, []).append((d['seconds'], d['min_seconds'], d['gflops']))
    with open(out, 'a') as fo:
        for lab, _ in cfgs:
            m1 = min(x[0] for x in res[(s['name'], lab, 1)]); m2 = min(x[0] for x in res[(s['name'], lab, 2)])
            g1 = max(x[2] for x in res[(s['name'], lab, 1)]); g2 = max(x[2] for x in res[(s['name'], lab, 2)])
            fo.write('%-14s %-5s 1T %7.2f ms %6.1f GF | 2T %7.2f ms %6.1f GF | 2T/1T %.2f | load %s\n' % (
                s['name'], lab, m1 * 1e3, g1, m2 * 1e3, g2, m1 / m2, open('/proc/loadavg').read().split()[0]))
