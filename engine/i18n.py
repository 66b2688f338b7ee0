"""Translation marker for user-facing engine messages.

The engine stays free of Flask, so this is a plain function with gettext's shape: Babel's extractor
finds `_()` calls here and in the web app alike; the web layer translates at display time.
"""


def _(message, **values):
    return message % values if values else message
