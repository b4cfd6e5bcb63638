#!/bin/bash
cd /tmp/pool-run
export OMP_NUM_THREADS=1
v=$1; shift
s=$(date +%s); echo "$v $* start $(date -u +%T)" >> times.txt
java -Xmx2g -XX:+UseSerialGC -Dorg.bytedeco.javacpp.maxbytes=4G -Dorg.bytedeco.javacpp.maxphysicalbytes=8G --add-modules jdk.incubator.vector \
  -jar sheetlab.jar pooling --variants $v --quiet "$@" > $v-$(echo "$*" | tr -d ' -=' ).log 2>&1
echo "$v $* end $(date -u +%T) rc=$? wall=$(( $(date +%s) - s ))s" >> times.txt
