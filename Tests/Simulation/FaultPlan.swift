import TestSupport

/// What can go wrong with one request, and how often (parts per million of requests). Drawn per request from the
/// run's seeded generator, and counted by kind for the bench's figures.
public struct FaultPlan: Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        /// Refused unapplied: DynamoDB's ThrottlingException, S3's SlowDown, SQS's throttling.
        case throttle
        /// Refused unapplied with a 500.
        case serverError
        /// Applied, but the answer never arrives (a timeout the client retries).
        case lostAnswer
        /// The process dies before the request leaves: nothing of it is applied.
        case crashBefore
        /// The process dies after the request was applied, before it reads the answer.
        case crashAfter
        /// An object's bytes stop part-way (the reader resumes where it stopped).
        case cutBody
        /// The request takes 5 to 40 seconds: what brings an invocation to its deadline.
        case slow
    }

    public var perMillion: [Kind: Int]

    public init(perMillion: [Kind: Int] = [:]) {
        self.perMillion = perMillion
    }

    /// No fault at all.
    public static let calm = FaultPlan()

    /// A plan drawn by seed: some runs calm, some stormy, each kind on or off.
    public static func drawn(using random: inout TestRandom) -> FaultPlan {
        var plan = FaultPlan()
        guard random.chance(800_000) else { return plan }
        for kind in Kind.allCases where random.chance(500_000) {
            // A process dies far less often than a request is throttled: at 2% a part of a thousand requests
            // would never finish, in the simulation as on AWS.
            let rates: [Int]
            switch kind {
            case .crashBefore, .crashAfter: rates = [50, 200, 1_000]
            // Requests of 5 to 40 s: at 2% a part's every invocation would end at its deadline.
            case .slow: rates = [500, 2_000, 5_000]
            default: rates = [1_000, 5_000, 20_000]
            }
            plan.perMillion[kind] = rates.randomElement(using: &random) ?? rates[0]
        }
        return plan
    }

    /// The fault for one request, if any.
    func draw(using random: inout TestRandom) -> Kind? {
        for kind in Kind.allCases {
            if let chance = perMillion[kind], random.chance(chance) { return kind }
        }
        return nil
    }
}
