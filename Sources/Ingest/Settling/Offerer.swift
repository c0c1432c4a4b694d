import AWSServices

/// One invocation as an offerer of a key's counting version (`SourceItem.Attribute.offerers`): named by Lambda's
/// request id, and watching its client's answers. Once it stops, its offers have all landed unless a request of
/// this invocation lost its answer: that request may still be applied, so it stays among the offerers and the lease
/// runs its course.
struct Offerer {
    let name: String
    private let client: AWSClient
    private let unansweredBefore: Int

    /// `client` carries the invocation's requests; only those lost from now on count against it.
    init(name: String, client: AWSClient) {
        self.name = name
        self.client = client
        unansweredBefore = client.unanswered
    }

    /// Whether every request since the invocation began was answered: all its writes have landed.
    var allAnswered: Bool { client.unanswered == unansweredBefore }
}
