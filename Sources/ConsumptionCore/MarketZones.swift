/// The market time zones a tenant may set: the ones the Lambda package ships the TZif files of (`tools/package.sh`
/// copies them from the build machine's tzdata), each tested against that tzdata's own `zdump` for 1990–2040.
public enum MarketZones {
    public static let supported: [String] = [
        "America/Chicago", "America/Denver", "America/Los_Angeles", "America/New_York", "America/Toronto",
        "Australia/Adelaide", "Australia/Brisbane", "Australia/Melbourne", "Australia/Perth", "Australia/Sydney",
        "Europe/Amsterdam", "Europe/Berlin", "Europe/Dublin", "Europe/London", "Europe/Madrid", "Europe/Paris",
        "Pacific/Auckland", "UTC",
    ]
}

extension MarketZones {
    /// Why the zones could not be loaded: a zone with no TZif file in any directory, or a file that does not read.
    public struct LoadFailure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Where the TZif files are looked for, in order: `ZONEINFO_DIR` alone when set; else the package's `zoneinfo/`
    /// (beside the bootstrap, under `LAMBDA_TASK_ROOT`), then the system's tzdata (a run on the build machine).
    public static func directories(zoneinfoDirectory: String?, taskRoot: String?) -> [String] {
        zoneinfoDirectory.map { [$0] } ?? [taskRoot.map { "\($0)/zoneinfo" }, "/usr/share/zoneinfo"].compactMap { $0 }
    }

    /// Every supported zone's rules, each read from the first of `directories` that holds its TZif file (`read`
    /// answers a file's bytes, nil when there is none). One missing or broken fails the whole load: a function
    /// starts with every zone a tenant may set, or not at all.
    public static func load(from directories: [String], read: (String) -> [UInt8]?) throws(LoadFailure)
        -> [String: ZoneRules]
    {
        var zones: [String: ZoneRules] = [:]
        for name in supported {
            var found: (path: String, bytes: [UInt8])?
            for directory in directories where found == nil {
                found = read("\(directory)/\(name)").map { ("\(directory)/\(name)", $0) }
            }
            guard let (path, bytes) = found else {
                throw LoadFailure(
                    description: "no TZif file for \(name) in \(directories.joined(separator: " or "))")
            }
            do throws(TZifReader.Failure) {
                zones[name] = try TZifReader.rules(name: name, bytes: bytes)
            } catch {
                throw LoadFailure(description: "\(path): \(error)")
            }
        }
        return zones
    }
}
