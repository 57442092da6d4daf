#!/usr/bin/env bash
# Runs a node's broker under the standalone Apache Artemis distribution, from the SAME
# broker-config/<role>.xml the embedded node broker uses, with security on and TLS
# client-certificate login (JAAS TextFileCertificateLoginModule).
#
#   run-standalone.sh <role> <instance-dir> <properties-file>
#
#   <role>             municipal | prefecture | central | liaison  (broker-config/<role>.xml)
#   <instance-dir>     Artemis instance to (re)create; its etc/ is rewritten at every start,
#                      the journal lives where jukibus.broker.data says
#   <properties-file>  key=value lines (no escapes, no continuation lines; '#' comments):
#                      every jukibus.* key becomes -D<key>=<value>, which Artemis substitutes
#                      for ${<key>} in broker.xml. Beside it must lie
#                        cert-users.properties  <node code>=<certificate subject DN, or /regex/>
#                        cert-roles.properties  <role id>=<node code>,<node code>,...
#                      (read live by the broker: edits take effect without a restart).
#
# Environment: ARTEMIS_HOME (default: <repo>/target/apache-artemis-<version>, unpacked by `mvn verify`),
#              JUKIBUS_BROKER_PLUGIN (default: <repo>/target/jukibus-broker-plugin.jar, built by
#              `mvn package`: the broker plugin broker.xml names), JAVA_HOME (optional), ARTEMIS_HEAP (default 512M).
# Runs `artemis run` in the foreground (exec): stop it with SIGTERM.
set -euo pipefail

usage() { echo "usage: $0 <role> <instance-dir> <properties-file>" >&2; exit 2; }
die() { echo "run-standalone: $*" >&2; exit 1; }
[ $# -eq 3 ] || usage

ROLE=$1
INSTANCE=$2
PROPS=$3

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CONFIG_DIR=$(cd "$SCRIPT_DIR/.." && pwd)
REPO_DIR=$(cd "$CONFIG_DIR/.." && pwd)
if [ -z "${ARTEMIS_HOME:-}" ]; then
  # what the pom unpacks in pre-integration-test: target/apache-artemis-<artemis.version>
  homes=("$REPO_DIR"/target/apache-artemis-*/)
  [ ${#homes[@]} -eq 1 ] || die "expected exactly one $REPO_DIR/target/apache-artemis-*/ (found ${#homes[@]}); set ARTEMIS_HOME"
  ARTEMIS_HOME=${homes[0]%/}
fi
BROKER_XML=$CONFIG_DIR/$ROLE.xml
JUKIBUS_BROKER_PLUGIN=${JUKIBUS_BROKER_PLUGIN:-$REPO_DIR/target/jukibus-broker-plugin.jar}
[ -f "$JUKIBUS_BROKER_PLUGIN" ] || die "no broker plugin jar $JUKIBUS_BROKER_PLUGIN (run 'mvn package' or set JUKIBUS_BROKER_PLUGIN)"

case "$ROLE" in
  municipal|prefecture|central|liaison) ;;
  *) die "unknown role '$ROLE' (expected municipal, prefecture, central or liaison)" ;;
esac
[ -f "$BROKER_XML" ] || die "no broker configuration $BROKER_XML"
[ -x "$ARTEMIS_HOME/bin/artemis" ] || die "no Artemis distribution at $ARTEMIS_HOME (run 'mvn verify' or set ARTEMIS_HOME)"
[ -f "$PROPS" ] || die "no properties file $PROPS"
PROPS_DIR=$(cd "$(dirname "$PROPS")" && pwd)
for f in cert-users.properties cert-roles.properties; do
  [ -f "$PROPS_DIR/$f" ] || die "missing $PROPS_DIR/$f (maps peer certificates to node codes and roles)"
done
case "$INSTANCE$PROPS_DIR" in
  *[[:space:]\"\\]*) die "the instance and properties directories must not contain whitespace, quotes or backslashes" ;;
esac

# --- the jukibus.* properties --------------------------------------------------------------
declare -A VALUES=()
while IFS= read -r line || [ -n "$line" ]; do
  line=${line%$'\r'}
  [[ "$line" =~ ^[[:space:]]*(#|!|$) ]] && continue
  [[ "$line" == *=* ]] || die "$PROPS: not a key=value line: $line"
  key=${line%%=*}
  key=${key//[[:space:]]/}
  value=${line#*=}
  value=${value#"${value%%[![:space:]]*}"}   # leading blanks, as java.util.Properties does
  [[ "$key" == jukibus.* ]] && VALUES[$key]=$value
done < "$PROPS"
# the in-VM acceptor's id only has to be unique inside this JVM
[ -n "${VALUES[jukibus.broker.vm-id]+set}" ] || VALUES[jukibus.broker.vm-id]=0

# every placeholder of the broker.xml must be filled, as the embedded node insists too;
# Artemis itself would leave an unknown ${...} in place and fail later, less clearly
missing=()
for p in $(grep -o '\${jukibus\.[a-zA-Z0-9.-]*}' "$BROKER_XML" | sort -u || true); do
  name=${p:2:${#p}-3}
  [ -n "${VALUES[$name]+set}" ] || missing+=("$name")
done
[ ${#missing[@]} -eq 0 ] || die "$PROPS does not set: ${missing[*]}"

# --- the instance ---------------------------------------------------------------------------
# --user/--password are required by 'create'; that user is removed below: only certificates log in
"$ARTEMIS_HOME/bin/artemis" create --silent --force --require-login --user x --password x \
    --no-web --no-autotune --nio --host 127.0.0.1 --name "${VALUES[jukibus.broker.name]}" \
    "$INSTANCE" > /dev/null
ETC=$(cd "$INSTANCE/etc" && pwd)
rm -f "$ETC/artemis-users.properties" "$ETC/artemis-roles.properties"

cp "$BROKER_XML" "$ETC/broker.xml"     # unchanged: the very file the embedded node uses
# the plugins broker.xml names (peers' duplicate and message ids made the broker's; sends refused at the disk bound): lib/ is on the broker's classpath
mkdir -p "$INSTANCE/lib"
cp "$JUKIBUS_BROKER_PLUGIN" "$INSTANCE/lib/jukibus-broker-plugin.jar"

cat > "$ETC/bootstrap.xml" <<EOF
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!-- written by jukibus broker-config/standalone/run-standalone.sh -->
<broker xmlns="http://activemq.apache.org/schema">
   <!-- every remote login is by TLS client certificate (the acceptors require one) -->
   <jaas-security domain="jukibus-certificate" certificate-domain="jukibus-certificate"/>
   <server configuration="file:$ETC/broker.xml"/>
</broker>
EOF

cat > "$ETC/login.config" <<EOF
/* written by jukibus broker-config/standalone/run-standalone.sh */
jukibus-certificate {
   org.apache.activemq.artemis.spi.core.security.jaas.TextFileCertificateLoginModule required
       debug=false
       reload=true
       baseDir="$PROPS_DIR"
       org.apache.activemq.jaas.textfiledn.user="cert-users.properties"
       org.apache.activemq.jaas.textfiledn.role="cert-roles.properties";
};
EOF

# The -D options go through a Java argument file (mode 0600), not the command line: they
# include the keystore passwords, which 'ps' would show to every local user.
ARGS_FILE=$ETC/jukibus-system-properties.args
umask 077
: > "$ARGS_FILE"
chmod 600 "$ARGS_FILE"
for key in $(printf '%s\n' "${!VALUES[@]}" | sort); do
  v=${VALUES[$key]}
  v=${v//\\/\\\\}
  v=${v//\"/\\\"}
  printf '"-D%s=%s"\n' "$key" "$v" >> "$ARGS_FILE"
done

HEAP=${ARTEMIS_HEAP:-512M}
export JAVA_ARGS_APPEND="-Xms64M -Xmx$HEAP @$ARGS_FILE"
exec "$INSTANCE/bin/artemis" run
