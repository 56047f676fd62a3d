# Every filter of a fail2ban directory as fail2ban's own FilterReader resolves it (for a jail with
# backend = auto and no filter arguments): the reference the import's reader is compared with.
# usage: python3 fail2ban-filters.py DIR NAME[ARGS]... -> JSON {spec: {option: value}}
import json
import sys

from fail2ban.client.filterreader import FilterReader
from fail2ban.helpers import extractOptions

OPTIONS = ['failregex', 'ignoreregex', 'prefregex', 'datepattern', 'journalmatch']
out = {}
for spec in sys.argv[2:]:
    name, args = extractOptions(spec)
    f = FilterReader(name, 'jail', args, basedir=sys.argv[1])
    try:
        if not f.read():
            out[spec] = None
            continue
        f.applyAutoOptions('auto')
        f.getOptions({'backend': 'auto'}, all=True)
        f.getOptions({'backend': 'auto'})
        opts = f.getCombined()
        out[spec] = {k: opts.get(k) for k in OPTIONS}
    except Exception as e:  # a file that is no filter (apache-common.conf): fail2ban refuses it too
        out[spec] = {'error': str(e)}
print(json.dumps(out))
