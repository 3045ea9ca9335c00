from kconsist import cond as c
from kconsist import sat


def test_unsatisfiable_returns_none():
    assert sat.solve([c.parse("A -> B"), c.parse("A && !B")]) is None


def test_model_satisfies_constraints():
    constraints = [c.parse("A -> B"), c.parse("B -> !C"), c.parse("A || C")]
    model = sat.solve([*constraints, c.Sym("A")])
    assert model is not None
    assert all(c.evaluate(x, model.symbols) for x in constraints)
    assert model.symbols["A"] and model.symbols["B"] and not model.symbols["C"]


def test_atoms_are_free_variables():
    model = sat.solve([c.and_(c.Atom("X > 1"), c.not_(c.Sym("A")))])
    assert model is not None
    assert model.atoms == {"X > 1": True}
    assert model.symbols["A"] is False


def test_nested_gates():
    e = c.parse("(A && (B || !C)) || (!A && C)")
    model = sat.solve([e, c.Sym("C"), c.Sym("A")])
    assert model is not None and model.symbols["B"] is True
    assert sat.solve([e, c.Sym("C"), c.Sym("A"), c.not_(c.Sym("B"))]) is None


def test_incremental_answers_each_query_on_its_own():
    """Queries are assumptions: an earlier query constrains nothing later; constraints
    only grow."""
    solver = sat.Incremental()
    constraints = [c.implies(c.Sym("A"), c.Sym("B"))]
    assert solver.solve(constraints, c.and_(c.Sym("A"), c.not_(c.Sym("B")))) is None
    model = solver.solve(constraints, c.Sym("A"))
    assert model is not None and model.symbols["B"] is True
    assert solver.solve(constraints, c.not_(c.Sym("A"))) is not None
    constraints.append(c.Sym("A"))
    assert solver.solve(constraints, c.not_(c.Sym("B"))) is None
    # Free symbols come out n: counterexamples read like small configurations.
    model = solver.solve(constraints, c.or_(c.Sym("C"), c.Sym("D")))
    assert model is not None and [model.symbols["C"], model.symbols["D"]].count(True) == 1
