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


def test_against_counts_each_unknown_against_satisfaction():
    a, b = c.Atom("built(a.c)"), c.Atom("built(b.c)")
    query = c.and_(c.Sym("S"), c.not_(c.or_(a, c.Sym("T"))), b)
    # Under the negation the unknown is taken true, un-negated false: unsatisfiable.
    assert c.against(query, set()) == c.FALSE
    # A kept unknown stays free.
    assert c.against(query, {"built(b.c)"}) == c.FALSE
    assert c.against(c.and_(c.Sym("S"), b), {"built(b.c)"}) == c.and_(c.Sym("S"), b)
    assert c.against(c.or_(c.Sym("S"), a), set()) == c.Sym("S")
