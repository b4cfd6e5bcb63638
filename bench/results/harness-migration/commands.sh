#!/bin/bash
J="java -Xmx2g -XX:+UseSerialGC -Dorg.bytedeco.javacpp.maxbytes=4G -Dorg.bytedeco.javacpp.maxphysicalbytes=8G -jar $1"
export OMP_NUM_THREADS=1
out=$2
$J final-q5 --quiet --output-dir $out/final-q5 > $out/final-q5.log 2>&1
$J pooling --quiet --max-batches 20 --output-dir $out/pooling > $out/pooling.log 2>&1
$J sign-rnn --quiet --max-batches 20 --epochs 2 --output-dir $out/sign-rnn > $out/sign-rnn.log 2>&1
$J newton --quiet --output-dir $out/newton > $out/newton.log 2>&1
$J recall-first --quiet --epochs 5 --output-dir $out/recall-first > $out/recall-first.log 2>&1
$J init --quiet --max-batches 20 --output-dir $out/init > $out/init.log 2>&1
$J mc-dropout --quiet --max-batches 20 --epochs 1 --output-dir $out/mc-dropout > $out/mc-dropout.log 2>&1
echo ALLDONE > $out/done
