#!/bin/bash
# final-q5, 2 epochs: single JVM (fast step, fit), local[2], the two-worker standalone cluster
set -u
cd /work/main
out=/tmp/sm/runs; rm -rf $out; mkdir -p $out
opens="--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED"
t() { local name=$1; shift; local t0=$(date +%s.%N); "$@" > /tmp/sm/$name.log 2>&1; local rc=$?; echo "$name rc=$rc wall=$(echo "$(date +%s.%N) - $t0" | bc) s"; }
export OMP_NUM_THREADS=1
t single-fast java -Xmx2g -XX:+UseSerialGC -Dorg.bytedeco.javacpp.maxphysicalbytes=6G --add-modules jdk.incubator.vector -jar modules/sheetlab-experiments/target/sheetlab.jar final-q5 --epochs 2 --quiet --output-dir $out/single-fast
t single-fit java -Xmx2g -XX:+UseSerialGC -Dorg.bytedeco.javacpp.maxphysicalbytes=6G --add-modules jdk.incubator.vector -jar modules/sheetlab-experiments/target/sheetlab.jar final-q5 --epochs 2 --step fit --quiet --output-dir $out/single-fit
t local2 java -Xmx3g -XX:+UseSerialGC -Dorg.bytedeco.javacpp.maxphysicalbytes=6G --add-modules jdk.incubator.vector $opens -jar modules/sheetlab-spark/target/sheetlab-spark.jar final-q5 --epochs 2 --spark 'local[2]' --quiet --output-dir $out/local2
export SPARK_CLUSTER_DIR=/tmp/sm/cluster
scripts/spark-cluster start > /tmp/sm/start.log 2>&1 || { echo start failed; tail -5 /tmp/sm/start.log; }
t cluster scripts/spark-cluster submit final-q5 --epochs 2 --quiet --output-dir $out/cluster
scripts/spark-cluster stop > /tmp/sm/stop.log 2>&1
for r in single-fast single-fit local2 cluster; do python3 - "$out/$r" <<'PY'
import json,sys,os
d=sys.argv[1]
try:
    r=json.load(open(d+'/run.json')); m=json.load(open(d+'/metrics.json')) if os.path.exists(d+'/metrics.json') else {}
    f=r.get('final',{})
    print(os.path.basename(d), 'testAccuracy', f.get('testAccuracy'), 'steps', r.get('steps'), 'spark', r.get('spark',{}).get('master'))
    if os.path.exists(d+'/spark.json'):
        s=json.load(open(d+'/spark.json')); print('  spark fits', s.get('fits'), 'fitSeconds', s.get('fitSeconds'), 'secondsPerFit', s.get('secondsPerFit'), 'averagingFrequency', s.get('averagingFrequency'))
    for e in (m.get('epochs') or []): print('  epoch', e.get('epoch'), e.get('seconds'))
except Exception as e: print(d, 'ERR', e)
PY
done
