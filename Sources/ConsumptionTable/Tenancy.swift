/// Which tenant an object belongs to: the first path segment after the incoming prefix, or the default tenant for
/// objects directly under it. Tenant names are restricted so they can sit inside table keys unescaped.
public enum Tenancy {
    public static let tenantRule = "1 to 64 characters from A-Z a-z 0-9 . _ -, not starting with _"

    /// Where objects under the incoming prefix that belong to no tenant are accounted for (a bad tenant folder, a
    /// "folder" key that holds bytes): a reserved name no tenant can take, readable by an operator's API key.
    public static let unassigned = "_unassigned"

    public static func isValidTenant(_ name: String) -> Bool {
        guard (1...64).contains(name.utf8.count), name != ".", name != "..", !name.hasPrefix("_") else { return false }
        return name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }

    /// A tenant whose data an API key or authorizer may be given: any valid tenant, and the reserved one.
    public static func isReadable(_ name: String) -> Bool {
        isValidTenant(name) || name == unassigned
    }

    public enum Placement: Equatable, Sendable {
        case tenant(String)
        /// Not under the incoming prefix: not a meter file (a report, or anything else in the bucket).
        case outsideIncoming
        /// Under the prefix, but the tenant segment breaks the naming rule.
        case invalidTenant(String)
        /// A key ending in `/` (`incoming/acme/`): a "folder" placeholder when empty, an unassigned object otherwise.
        case folder
    }

    /// Decided on the key's bytes: with `String`'s grapheme view, a combining mark after a `/` would hide that
    /// slash (`incoming/acme/\u{301}x.csv` would land in the default tenant instead of `acme`).
    public static func place(key: String, incomingPrefix: String, defaultTenant: String) -> Placement {
        let bytes = key.utf8
        guard bytes.starts(with: incomingPrefix.utf8) else { return .outsideIncoming }
        let rest = bytes.dropFirst(incomingPrefix.utf8.count)
        if rest.isEmpty || rest.last == UInt8(ascii: "/") { return .folder }
        guard let slash = rest.firstIndex(of: UInt8(ascii: "/")) else { return .tenant(defaultTenant) }
        let segment = String(decoding: rest[..<slash], as: UTF8.self)
        return isValidTenant(segment) ? .tenant(segment) : .invalidTenant(segment)
    }
}
