import ConsumptionTable

extension QueryStore {
    /// Whose versions a ledger page lists.
    enum LedgerVersions {
        case key(String)
        case under(String)

        /// Keys too long for a sort key are hashed in it (`TableKeys.ledgerKeyPrefix`); an upload's never are.
        var sortPrefix: String {
            switch self {
            case .key(let key): "\(TableKeys.ledgerKeyPrefix(key))#"
            case .under(let prefix): prefix
            }
        }

        /// `begins_with` also finds keys that merely start with the key and a '#'; keys compare as bytes.
        func holds(_ objectKey: String) -> Bool {
            switch self {
            case .key(let key): objectKey.utf8.elementsEqual(key.utf8)
            case .under(let prefix): objectKey.utf8.starts(with: prefix.utf8)
            }
        }

        var scope: String {
            switch self {
            case .key(let key): "key|\(key)"
            case .under(let prefix): "under|\(prefix)"
            }
        }
    }
}
