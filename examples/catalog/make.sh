#!/usr/bin/env bash
# Regenerates the example catalog: package files, their minisign signatures (made by the real
# `minisign` binary), catalog.json and root.json, signed by the example key whose secret half sits
# here ONLY for tests and the demo (its file name says so). Run from anywhere:
#   examples/catalog/make.sh [path/to/hitless]
# Keeps the key if it exists, so signatures stay verifiable by the committed root.json.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
hitless="${1:-$here/../../build/dev/src/cli/hitless}"
key="$here/EXAMPLE-ONLY-INSECURE-catalog-signing.key"
pub="$here/example-catalog-signing.pub"
cd "$here"
if [[ ! -f "$key" ]]; then
  minisign -G -W -f -p "$pub" -s "$key" >/dev/null
fi
mkdir -p packages
rm -f packages/*

# name|version|kind|file|installable_from (comma)|hardware (comma)|requires (pkg>=ver, comma)|soak_s|erases data on downgrade
cat > /tmp/hitless-example-catalog.txt <<'LIST'
pulse|6.0R3.1|product|pulse-6.0R3.1.pkg||PSA3000,PSA5000||0|true
pulse|7.1R1|product|pulse-7.1R1.pkg|6.0R3|PSA3000,PSA5000||0|true
pulse|7.1R2|product|pulse-7.1R2.pkg|7.1R1|PSA3000,PSA5000||0|true
beyondtrust-base|Base 3.2.4|base|beyondtrust-base-3.2.4.pkg||B300,B400||0|false
beyondtrust-base|Base 3.3.2|base|beyondtrust-base-3.3.2.pkg|Base 3.2|B300,B400||0|false
beyondtrust|Bomgar-12.1.0|product|bomgar-12.1.0.pkg|Bomgar-11|B300,B400|beyondtrust-base>=Base 3.2.4|86400|false
beyondtrust|Bomgar-12.2.0|product|bomgar-12.2.0.pkg|Bomgar-12.1|B300,B400|beyondtrust-base>=Base 3.3.2|86400|false
junos|10.1R1.8|firmware|jinstall-10.1R1.8-domestic-signed.tgz||MX480||0|false
junos|10.3R2.11|firmware|jinstall-10.3R2.11-domestic-signed.tgz|10.1|MX480||0|false
sps|5.0.4|firmware|sps-5.0.4.iso||N1000,T4||0|false
sps|7.0.2.1 LTS|firmware|sps-7.0.2.1-LTS.iso|5.0|N1000,T4||0|false
LIST

while IFS='|' read -r name version kind file from hw req soak erase; do
  # A stand-in payload: small, different per package.
  printf 'example payload of %s %s (not a real image)\n' "$name" "$version" > "packages/$file"
  comment="hitless-package $(python3 -c 'import json,sys; print(json.dumps({"name":sys.argv[1],"version":sys.argv[2],"hardware":[h for h in sys.argv[3].split(",") if h]},separators=(",",":")))' "$name" "$version" "$hw")"
  minisign -S -s "$key" -m "packages/$file" -t "$comment" -x "packages/$file.minisig" >/dev/null
done < /tmp/hitless-example-catalog.txt

python3 - "$pub" <<'PY'
import hashlib, json, os, sys
pub = open(sys.argv[1]).read().splitlines()[1]
packages = []
for line in open('/tmp/hitless-example-catalog.txt'):
    name, version, kind, file, frm, hw, req, soak, erase = line.rstrip('\n').split('|')
    data = open('packages/' + file, 'rb').read()
    reqs = []
    for r in filter(None, req.split(',')):
        pkg, minv = r.split('>=')
        reqs.append({'package': pkg, 'min_version': minv})
    packages.append({
        'file': 'packages/' + file, 'name': name, 'version': version, 'kind': kind,
        'requires': reqs, 'installable_from': [f for f in frm.split(',') if f],
        'hardware': [h for h in hw.split(',') if h], 'length': len(data),
        'sha256': hashlib.sha256(data).hexdigest(),
        'signature': open('packages/' + file + '.minisig').read(),
        'soak_s': int(soak), 'install_s': 1200, 'size_mb': 0,
        'downgrade_erases_data': erase == 'true'})
catalog = {'_type': 'hitless-catalog', 'version': 1, 'expires': '2036-01-01T00:00:00Z',
           'package_keys': [pub], 'packages': packages}
root = {'_type': 'hitless-root', 'version': 1, 'threshold': 1, 'keys': [pub]}
json.dump({'signed': catalog, 'signatures': []}, open('catalog.json', 'w'), indent=2)
json.dump({'signed': root, 'signatures': []}, open('root.json', 'w'), indent=2)
PY
"$hitless" catalog sign --key "$key" root.json
"$hitless" catalog sign --key "$key" catalog.json
rm -f /tmp/hitless-example-catalog.txt
