"""The small arithmetic the data package may state: a derived column's formula
(`chipbook:formula` in a field of datapackage.json) and a number an evidence finding quotes
from another table (`chipbook.quotes`).

An expression is numbers, names, `+ - * /`, parentheses and two functions:
`round(x, n)` (to n decimals, half away from zero; n may be negative: `round(x, -2)`
rounds to hundreds) and `position(column)` (the 1-based place of the column's value in
its enum). It is evaluated in decimal arithmetic on the values as written in the CSV, so
`12.98127 / 12` is exactly 1.0817725 and rounds as a person rounds it. Anything else
(attributes, calls, comparisons) is refused with `ExpressionError`.
"""

from __future__ import annotations

import ast
import decimal
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

FUNCTIONS = ("round", "position")


class ExpressionError(ValueError):
    """An expression that cannot be read or evaluated; the message says why in words."""


def names(expression: str) -> list[str]:
    """The names an expression uses (column names), in order of first use, without the
    arguments of `position(...)`, which are listed too, since they are columns as well."""
    tree = _parse(expression)
    found = [node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and node.id not in FUNCTIONS]
    return list(dict.fromkeys(found))


def evaluate(expression: str, value: Callable[[str], Decimal],
             position: Callable[[str], Decimal] | None = None) -> Decimal:
    """The value of `expression`; `value(name)` gives each name's number and
    `position(name)` the 1-based enum place of a column's value. Raises ExpressionError."""
    tree = _parse(expression)

    def walk(node: ast.AST) -> Decimal:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            return Decimal(str(node.value))
        if isinstance(node, ast.Name):
            return value(node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = walk(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            if right == 0:
                raise ExpressionError(f"'{ast.unparse(node)}' divides by zero")
            return left / right
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
            if node.func.id == "round" and len(node.args) == 2:
                places = walk(node.args[1])
                if places != places.to_integral_value():
                    raise ExpressionError(f"'{ast.unparse(node)}': round's second argument must be a whole number")
                return rounded(walk(node.args[0]), int(places))
            if node.func.id == "position" and len(node.args) == 1 and isinstance(node.args[0], ast.Name):
                if position is None:
                    raise ExpressionError("position(...) is only for a column's own table")
                return position(node.args[0].id)
        raise ExpressionError(f"'{ast.unparse(node)}' is not arithmetic the book's expressions allow "
                              "(numbers, column values, + - * /, parentheses, round(x, n), position(column))")

    with decimal.localcontext() as context:
        context.prec = 28
        return walk(tree)


def rounded(number: Decimal, places: int) -> Decimal:
    """`number` rounded to `places` decimals, halves away from zero (2.5 -> 3)."""
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _parse(expression: str) -> ast.Expression:
    try:
        return ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        raise ExpressionError(f"'{expression}' is not an arithmetic expression") from None
