#!/usr/bin/env bash
# Make Debian's Apache Jena 4.5 (libapache-jena-java) usable from the command line, for the benchmark's
# Jena SHACL comparison: a classpath of the jars it needs, plus a small jar that puts the xerces message
# bundles where Debian's relocated classes look for them (see ../shared/reference/servers.md, §3).
# Writes $JDIR/jena.cp (default: benchmarks/.jena/jena.cp); installs the package if it is missing.
set -euo pipefail
JDIR=${JDIR:-$(cd "$(dirname "$0")" && pwd)/.jena}
if [ ! -f /usr/share/java/jena-shacl.jar ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libapache-jena-java unzip >/dev/null
fi
mkdir -p "$JDIR/fix"
cd "$JDIR/fix"
unzip -q -o /usr/share/java/jena-core.jar 'org/apache/jena/ext/xerces/*.properties'
rm -rf xerces && mkdir xerces && cp -r org/apache/jena/ext/xerces/impl xerces/
jar cf "$JDIR/jena-xerces-msgfix.jar" xerces
J=/usr/share/java
CP=""
for jar in jena-arq jena-base jena-cmds jena-core jena-dboe-base jena-dboe-index jena-dboe-storage \
    jena-dboe-trans-data jena-dboe-transaction jena-iri jena-rdfconnection jena-shacl jena-shex jena-tdb jena-tdb2 \
    commons-cli commons-codec commons-compress commons-csv commons-io commons-lang3 dexx.collection gson guava \
    httpclient httpcore commons-logging jackson-core jackson-databind jackson-annotations jsonld-java \
    jakarta.json-api protobuf thrift titanium-json-ld slf4j-api slf4j-simple; do
  CP="$CP:$J/$jar.jar"
done
echo "${CP#:}:$JDIR/jena-xerces-msgfix.jar" > "$JDIR/jena.cp"
java -cp "$(cat "$JDIR/jena.cp")" riotcmd.riot --version
