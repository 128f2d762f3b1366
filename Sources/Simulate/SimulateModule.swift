/// Postfix's reply to one SMTP transaction, predicted with a trace: the restriction evaluator
/// (smtpd's lists in the order the compatibility level gives, access(5) lookup order, pcre/regexp
/// and hash tables, restriction classes, defer_if_permit, warn_if_reject), address resolution as
/// trivial-rewrite sees it, DNS answers from a fixture, policy services by their known
/// behaviour. Lint's open-relay verdict is built on the same evaluator, so this module sits
/// below Lint. Knows no rule and no command; does no terminal I/O.
///
/// Public API
/// - `SimulationInput.load(postfixDirectory:)`, `.load(compilation)` (a gateway.conf through the
///   compile pipeline); `input.context(dns:)`.
/// - `Simulator.run(transaction, in: context)` -> `SimulatedReply` per recipient (code, DSN,
///   text exactly as Postfix writes it, trace of list, restriction, keys, result).
/// - `DNSFixture.parse`, `BatchFile.parse` (one transaction per line).
public enum Simulate {
    public static let libraryName = "Simulate"
}
