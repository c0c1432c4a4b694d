/// What taking one piece of a large file's work (a range to write, a part to settle) did: whether this invocation
/// did it (not when it was done before, the version was replaced, or the job is finished), why, and, from the
/// invocation that finished the last piece, what reconciling the key did.
public struct WorkOutcome: Sendable, Equatable {
    public var done: Bool
    public var detail: String
    public var completed: ObjectOutcome?

    init(done: Bool, detail: String, completed: ObjectOutcome? = nil) {
        self.done = done
        self.detail = detail
        self.completed = completed
    }
}
