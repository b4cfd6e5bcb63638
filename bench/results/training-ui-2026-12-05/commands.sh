#!/bin/bash
# final-q5 with DL4J's fit, 2 epochs (batch 128, 938 iterations), with and without --ui (which records every
# iteration), alternating, 2 rounds each; then summarise.py OUT > results.json.
# Usage (on a quiet machine): flock /tmp/sheetlab-mvn.lock commands.sh JAR OUT
J="java -Xmx2g -XX:+UseSerialGC -Dorg.bytedeco.javacpp.maxbytes=4G -Dorg.bytedeco.javacpp.maxphysicalbytes=8G --add-modules jdk.incubator.vector -jar $1"
export OMP_NUM_THREADS=1
out=$2
mkdir -p "$out"
for round in 1 2; do
  for ui in "" "--ui"; do
    name=r$round${ui:+-ui}
    /usr/bin/time -f "%e s wall" $J final-q5 --quiet --step fit --epochs 2 $ui --output-dir $out/$name > $out/$name.log 2>&1
  done
done
