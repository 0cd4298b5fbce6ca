#!/usr/bin/env bash
# Runs the processor fuzzer (every feature) over programs [START, END) of SEED in chunks of CHUNK, appending
# each chunk's summary line to LOG. usage: fuzz-range.sh WORKTREE START END CHUNK LOG SEED BUILDDIR
# Example (two workers, 100,000 programs): tools/fuzz-range.sh . 0 50000 2500 /tmp/f.log 4004 target-wA &
#                                           tools/fuzz-range.sh . 50000 100000 2500 /tmp/f.log 4004 target-wB &
set -u
cd "$1"; first=$2; end=$3; chunk=$4; log=$5; seed=$6; dir=$7
while [ $first -lt $end ]; do
  n=$chunk; [ $((first + n)) -gt $end ] && n=$((end - first))
  mvn -q -B -ntp -o test -pl processor -am -Dtest=RandomProgramsTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dfluxion.fuzz.features=all -Dfluxion.fuzz.n=$n -Dfluxion.fuzz.first=$first -Dfluxion.fuzz.seed=$seed \
    -Dfluxion.fuzz.findings=${FINDINGS:-/tmp/fuzz-findings.md} -Dfluxion.buildDir=$dir > /tmp/fuzz-$dir.log 2>&1
  rc=$?
  echo "first=$first n=$n rc=$rc $(grep -m1 -o 'fuzz: seed.*' /tmp/fuzz-$dir.log | sed 's/features \[[^]]*\]: //')" >> "$log"
  if [ $rc -ne 0 ]; then cp /tmp/fuzz-$dir.log "$log.fail.$first"; fi
  first=$((first + n))
done
