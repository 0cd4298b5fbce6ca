#!/usr/bin/env bash
# Builds device/ (git-ignored) for gpu-check.sh, on a machine with Maven and JDK 25:
#   device/jdk                  a jlinked JDK 25 runtime (the GPU machine has no Java)
#   device/lib/*.jar            fluxion-cuda, fluxion-runtime, fluxion-annotations and their dependencies
#   device/test-classes/        runtime-cuda's compiled tests
#   device/junit-platform-console-standalone.jar
# Usage: runtime-cuda/prepare-device.sh   (from anywhere; builds only runtime-cuda and what it needs)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
JDK=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JUNIT_PLATFORM=${JUNIT_PLATFORM:-1.14.1}   # the platform of junit.version 5.14.1 in the root pom
DEV=$ROOT/device

rm -rf "$DEV"
mkdir -p "$DEV/lib"

# The jars of runtime-cuda and of the modules it depends on, built in the reactor (no install),
# and their dependencies; JUnit's own jars are left out: the console launcher bundles them.
mvn -q -B -ntp package dependency:copy-dependencies -pl runtime-cuda -am -DskipTests \
    -DincludeScope=test -DexcludeGroupIds=org.junit,org.opentest4j,org.apiguardian \
    -DoutputDirectory="$DEV/lib"
# The class jars only: the javadoc and sources jars (9 MiB) would eat the 64 MiB a device run carries.
for jar in runtime-cuda/target/fluxion-cuda-*.jar runtime/target/fluxion-runtime-*.jar \
           annotations/target/fluxion-annotations-*.jar; do
    case "$jar" in *-javadoc.jar|*-sources.jar) ;; *) cp "$jar" "$DEV/lib/" ;; esac
done
cp -r runtime-cuda/target/test-classes "$DEV/test-classes"

mvn -q -B -ntp dependency:copy \
    -Dartifact=org.junit.platform:junit-platform-console-standalone:"$JUNIT_PLATFORM" \
    -DoutputDirectory="$DEV"
mv "$DEV/junit-platform-console-standalone-$JUNIT_PLATFORM.jar" "$DEV/junit-platform-console-standalone.jar"

# java.logging and java.xml: the JUnit console launcher's logging and XML reports.
"$JDK/bin/jlink" --add-modules java.base,java.logging,java.xml,jdk.incubator.vector,java.management,jdk.management \
    --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$DEV/jdk"

du -sh "$DEV" "$DEV"/*
SIZE=$(du -sm "$DEV" | cut -f1)
if [ "$SIZE" -ge 64 ]; then
    echo "device/ is ${SIZE} MiB: over the 64 MiB a device run carries" >&2
    exit 1
fi
echo "device/ ready (${SIZE} MiB): run runtime-cuda/gpu-check.sh on the GPU machine with carry [\"device\"]"
