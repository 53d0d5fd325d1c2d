"""Papermill parameters for Threadbook, a Jupyter kernel for Java.

`papermill -k threadbook in.ipynb out.ipynb -p threads 8` writes the parameters as Java declarations in a cell
after the one tagged `parameters`:

    // Parameters
    int threads = 8;

Papermill 2 finds translators only in its own table, and offers no entry point for them; it does load every
`papermill.engine` entry point when it is imported. threadbook_papermill_engine is such an entry point: loading
it imports this module, which registers the translator for the language `java` and the kernel name `threadbook`.
"""
import math
import re

from papermill.models import Parameter
from papermill.translators import Translator, papermill_translators

_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")
# Words Java reserves: a parameter cannot be named by one.
_RESERVED = frozenset("""abstract assert boolean break byte case catch char class const continue default do double
    else enum extends final finally float for goto if implements import instanceof int interface long native new
    package private protected public return short static strictfp super switch synchronized this throw throws
    transient try void volatile while true false null _""".split())
_NAMED_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# A declaration of the parameters cell: `int threads = 4;`, `var name = "x"; // help`.
_DECLARATION = re.compile(
    r"^\s*(?:final\s+)?(?P<type>[A-Za-z_$][\w$.]*(?:<.*>)?(?:\[\])*)\s+(?P<name>[A-Za-z_$][\w$]*)\s*=\s*"
    r"(?P<value>.*?)\s*;\s*(?://\s*(?P<help>.*?))?\s*$")


class JavaTranslator(Translator):
    """Python values as Java: each parameter a declaration JShell accepts and that replaces an earlier one."""

    @classmethod
    def translate_escaped_str(cls, str_val):
        # Java has no \x escapes (Python's unicode_escape writes them), and a \u escape is read before the
        # string is: "\u000a" would end the line. Control characters are written as octal escapes instead.
        out = []
        for ch in str(str_val):
            if ch in _NAMED_ESCAPES:
                out.append(_NAMED_ESCAPES[ch])
            elif ord(ch) < 0x20 or ord(ch) == 0x7F:
                out.append("\\%03o" % ord(ch))
            else:
                out.append(ch)
        return '"%s"' % "".join(out)

    @classmethod
    def translate_none(cls, val):
        return "null"

    @classmethod
    def translate_int(cls, val):
        if _INT_MIN <= val <= _INT_MAX:
            return str(val)
        if _LONG_MIN <= val <= _LONG_MAX:
            return "%dL" % val
        return 'new java.math.BigInteger("%d")' % val

    @classmethod
    def translate_float(cls, val):
        if math.isnan(val):
            return "Double.NaN"
        if math.isinf(val):
            return "Double.POSITIVE_INFINITY" if val > 0 else "Double.NEGATIVE_INFINITY"
        return repr(val)  # 0.1, 1e-05, 1e+16: all Java double literals

    @classmethod
    def translate_bool(cls, val):
        return "true" if val else "false"

    @classmethod
    def translate_list(cls, val):
        items = ", ".join(cls.translate(v) for v in val)
        # List.of refuses null elements; Arrays.asList takes them.
        return "Arrays.asList(%s)" % items if any(v is None for v in val) else "List.of(%s)" % items

    @classmethod
    def translate_dict(cls, val):
        if any(v is None for v in val.values()) or any(k is None for k in val):
            raise ValueError("a Java Map.of cannot hold null: leave that key out of the parameter instead")
        # Map.ofEntries keeps any number of pairs (Map.of stops at 10).
        return "Map.ofEntries(%s)" % ", ".join(
            "Map.entry(%s, %s)" % (cls.translate(k), cls.translate(v)) for k, v in val.items())

    @classmethod
    def java_type(cls, val):
        """The declared type: exact for single values, `var` for collections, Object for null."""
        if val is None:
            return "Object"  # `var x = null;` does not compile
        if isinstance(val, bool):
            return "boolean"
        if isinstance(val, int):
            if _INT_MIN <= val <= _INT_MAX:
                return "int"
            return "long" if _LONG_MIN <= val <= _LONG_MAX else "java.math.BigInteger"
        if isinstance(val, float):
            return "double"
        if isinstance(val, str):
            return "String"
        return "var"

    @classmethod
    def comment(cls, cmt_str):
        return ("// %s" % cmt_str).strip()

    @classmethod
    def codify(cls, parameters, comment="Parameters"):
        lines = [cls.comment(comment)]
        for name, val in parameters.items():
            if not _IDENTIFIER.match(name) or name in _RESERVED:
                raise ValueError("'%s' cannot be a Java variable's name: use letters, digits and _, "
                                 "not starting with a digit, and not a Java keyword" % name)
            lines.append("%s %s = %s;" % (cls.java_type(val), name, cls.translate(val)))
        return "\n".join(lines) + "\n"

    @classmethod
    def inspect(cls, parameters_cell):
        """The declarations of a parameters cell, one a line, with a trailing // comment as their help."""
        params = []
        for line in parameters_cell.source.splitlines():
            m = _DECLARATION.match(line)
            if m and m.group("type") not in ("return", "new"):
                params.append(Parameter(name=m.group("name"), inferred_type_name=m.group("type"),
                                        default=m.group("value"), help=m.group("help") or ""))
        return params


papermill_translators.register("java", JavaTranslator)
papermill_translators.register("threadbook", JavaTranslator)
