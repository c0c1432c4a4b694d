/// An attribute name in a document path: written out, or an `#name` placeholder resolved per request.
enum NameReference: Hashable {
    case plain(String)
    case placeholder(String)
}

/// One step of a document path: a map member or a list element.
enum PathStep: Hashable {
    case member(NameReference)
    case element(Int)
}

/// `a.b[2].c`: the first step is always a member.
struct DocumentPath: Hashable {
    var steps: [PathStep]
}

/// A value in a condition: an attribute, an `:value`, or `size(path)`.
enum Operand {
    case path(DocumentPath)
    case value(String)
    case size(DocumentPath)
}

enum Comparator: String {
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
}

/// A condition, filter or key condition expression.
indirect enum Condition {
    case comparison(Operand, Comparator, Operand)
    case between(Operand, Operand, Operand)
    case membership(Operand, [Operand])
    case and(Condition, Condition)
    case or(Condition, Condition)
    case not(Condition)
    case attributeExists(DocumentPath)
    case attributeNotExists(DocumentPath)
    case attributeType(DocumentPath, Operand)
    case beginsWith(Operand, Operand)
    case contains(Operand, Operand)
}

/// The right side of `SET path = ...`.
indirect enum SetOperand {
    case path(DocumentPath)
    case value(String)
    case ifNotExists(DocumentPath, SetOperand)
    case listAppend(SetOperand, SetOperand)
}

enum SetValue {
    case operand(SetOperand)
    case sum(SetOperand, SetOperand)
    case difference(SetOperand, SetOperand)
}

/// An update expression's four clauses.
struct UpdateTree {
    var sets: [(path: DocumentPath, value: SetValue)] = []
    var removes: [DocumentPath] = []
    var adds: [(path: DocumentPath, value: String)] = []
    var deletes: [(path: DocumentPath, value: String)] = []

    var allPaths: [DocumentPath] { sets.map(\.path) + removes + adds.map(\.path) + deletes.map(\.path) }
}

/// A parsed expression and the placeholders it uses (checked against the request's maps).
struct Parsed<Tree> {
    let tree: Tree
    let names: Set<String>
    let values: Set<String>
}
