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
