import pytest

from kconsist import cond as c


def test_parse_precedence_and_render():
    e = c.parse("A && !B || C -> D")
    assert c.render(e) == "!(A && !B || C) || D"
    assert c.parse("CONFIG_SMP") == c.Sym("SMP")


def test_parse_refs_and_constants():
    e = c.parse("$remover && !HAVE_X && y")
    assert e == c.And((c.Ref("remover"), c.Not(c.Sym("HAVE_X"))))
    assert c.parse("n || A") == c.Sym("A")


@pytest.mark.parametrize("text,column", [("A &&", 5), ("(A", 3), ("A B", 3), ("A + B", 3)])
def test_parse_errors_name_the_column(text, column):
    with pytest.raises(c.CondSyntaxError) as e:
        c.parse(text)
    assert e.value.column == column - 1


def test_simplification():
    a, b = c.Sym("A"), c.Sym("B")
    assert c.and_(a, c.not_(a)) == c.FALSE
    assert c.or_(a, c.not_(a)) == c.TRUE
    assert c.and_(a, c.and_(b, a)) == c.And((a, b))
    assert c.not_(c.not_(a)) == a


def test_substitute_and_evaluate():
    e = c.substitute(c.parse("$r && !X"), {"r": c.parse("SMP && 64BIT")})
    assert c.symbols(e) == ["SMP", "64BIT", "X"]
    assert c.evaluate(e, {"SMP": True, "64BIT": True})
    assert not c.evaluate(e, {"SMP": True, "64BIT": True, "X": True})
    with pytest.raises(KeyError):
        c.substitute(c.Ref("missing"), {})


def test_atoms_are_collected():
    e = c.and_(c.Atom("PAGE_SHIFT > 12"), c.Sym("A"))
    assert c.atoms(e) == {"PAGE_SHIFT > 12"}
    assert c.render(e) == "{PAGE_SHIFT > 12} && A"
