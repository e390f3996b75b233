/// One line per finished scenario on stderr, so a long run shows where it is.
enum ProgressLine {
    static func describe(_ result: ScenarioResult) -> String {
        var parts = ["\(result.title):"]
        for (side, measured) in [("petrel", result.petrel), ("mock", result.mock)] {
            guard let measured else { continue }
            if let e = measured.errors.first {
                parts.append("\(side) FAILED (\(e))")
            } else {
                parts.append("\(side) \(Cells.headline(measured, kind: result.kind))")
            }
        }
        return parts.joined(separator: " ")
    }
}
