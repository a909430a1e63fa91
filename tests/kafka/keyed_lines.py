# keyed_lines.py FILE — prints "key<TAB>line" for each line of a JSON Lines file, the key being the
# event's userId, else its anonymousId, else empty (a line that is not a JSON object): how the
# Kafka tests produce events keyed by customer (docs/kafka.md, the producer-side key requirement).
import json
import sys

for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    try:
        d = json.loads(line)
        key = (d.get("userId") or d.get("anonymousId") or "") if isinstance(d, dict) else ""
    except ValueError:
        key = ""
    assert "\t" not in line and "\t" not in str(key)
    print(f"{key}\t{line}")
