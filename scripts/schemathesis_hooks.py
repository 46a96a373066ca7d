"""schemathesis hooks for scripts/schemathesis.sh.

An X12 interchange (`POST /api/v1/edi`, `application/edi-x12`) is text:
send the generated string as UTF-8 bytes, as for `text/plain`.
"""
import json

import schemathesis


@schemathesis.serializer("application/edi-x12")
def edi_x12(ctx, value):
    if isinstance(value, bytes):
        return {"data": value}
    if not isinstance(value, str):
        value = json.dumps(value)
    return {"data": value.encode("utf-8", "surrogatepass")}
