"""The Java translator's declarations, checked as text; CourseToolsIT runs them in the kernel through papermill."""
import math
import subprocess
import sys

import nbformat
import pytest

from threadbook_papermill import JavaTranslator


def test_papermill_finds_the_translator_for_java_and_threadbook_through_its_entry_point():
    # In a fresh interpreter that never imports this module itself: papermill must load it.
    code = ("import papermill\nfrom papermill.translators import papermill_translators as t\n"
            "print(t.find_translator('any-kernel', 'java').__name__, t.find_translator('threadbook', 'x').__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["JavaTranslator", "JavaTranslator"]


@pytest.mark.parametrize("value, declaration", [
    (4, "int threads = 4;"),
    (-2**31, "int threads = -2147483648;"),
    (2**31, "long threads = 2147483648L;"),
    (-2**63, "long threads = -9223372036854775808L;"),
    (2**64, 'java.math.BigInteger threads = new java.math.BigInteger("18446744073709551616");'),
    (0.1, "double threads = 0.1;"),
    (1e-05, "double threads = 1e-05;"),
    (math.nan, "double threads = Double.NaN;"),
    (math.inf, "double threads = Double.POSITIVE_INFINITY;"),
    (-math.inf, "double threads = Double.NEGATIVE_INFINITY;"),
    (True, "boolean threads = true;"),
    (False, "boolean threads = false;"),
    (None, "Object threads = null;"),
    ("4", 'String threads = "4";'),
    ('a "b" \\ c\n\t\x01 é', r'String threads = "a \"b\" \\ c\n\t\001 é";'),
    ("\\u0041", r'String threads = "\\u0041";'),
    ([1, "a", 2.5], 'var threads = List.of(1, "a", 2.5);'),
    ([1, None], "var threads = Arrays.asList(1, null);"),
    ([], "var threads = List.of();"),
    ({"a": 1, "b": [True]}, 'var threads = Map.ofEntries(Map.entry("a", 1), Map.entry("b", List.of(true)));'),
])
def test_each_value_is_a_java_declaration(value, declaration):
    assert JavaTranslator.codify({"threads": value}) == "// Parameters\n" + declaration + "\n"


def test_more_than_ten_map_entries_still_compile():
    # Map.of stops at 10 pairs; Map.ofEntries does not.
    code = JavaTranslator.translate({str(i): i for i in range(12)})
    assert code.startswith("Map.ofEntries(") and code.count("Map.entry(") == 12


def test_a_name_java_cannot_declare_is_refused_in_words():
    for name in ("2threads", "class", "my-threads"):
        with pytest.raises(ValueError, match="cannot be a Java variable's name"):
            JavaTranslator.codify({name: 1})


def test_a_map_with_null_is_refused_in_words():
    with pytest.raises(ValueError, match="cannot hold null"):
        JavaTranslator.translate({"a": None})


def test_inspect_reads_the_declarations_of_a_parameters_cell():
    cell = nbformat.v4.new_code_cell(
        "// The thread count of the pool below\nint threads = cores; // threads of the pool\n"
        'String label = "a; b";\nfinal List<String> hosts = List.of("a", "b");\nSystem.out.println(threads);\n')
    params = JavaTranslator.inspect(cell)
    assert [(p.name, p.inferred_type_name, p.default, p.help) for p in params] == [
        ("threads", "int", "cores", "threads of the pool"),
        ("label", "String", '"a; b"', ""),
        ("hosts", "List<String>", 'List.of("a", "b")', ""),
    ]
