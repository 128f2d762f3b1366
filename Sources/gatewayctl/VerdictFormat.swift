import ArgumentParser

/// Output of the commands that answer with a verdict instead of findings (`probe`, `simulate`).
enum VerdictFormat: String, CaseIterable, ExpressibleByArgument {
    case text, json
}
