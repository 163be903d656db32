using Rheo.States.Validation;

namespace Rheo.States.Tests.Validation;

public sealed class DefinitionValidationTests
{
    private static IReadOnlyList<Diagnostic> Validate(string json) => StateMachineDefinition.Validate(json);

    [Fact]
    public void Valid_definition_has_no_diagnostics()
    {
        var diagnostics = Validate("""{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}""");

        Assert.Empty(diagnostics);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_its_location()
    {
        var diagnostics = Validate("""
            {"StartAt":"Missing","States":{
              "A":{"Type":"Bogus","End":true},
              "B":{"Type":"Pass","Next":"Nowhere","End":true},
              "C":{"Type":"Pass","InputPath":"bad","End":true},
              "D":{"Type":"Succeed","Next":"A"}
            }}
            """);

        Assert.Contains(diagnostics, d => d is { Code: DiagnosticCodes.UnknownStartAt, Location: "$.StartAt" });
        Assert.Contains(diagnostics, d => d is { Code: DiagnosticCodes.UnknownStateType, Location: "$.States.A.Type" });
        Assert.Contains(diagnostics, d => d is { Code: DiagnosticCodes.NextAndEnd, Location: "$.States.B" });
        Assert.Contains(diagnostics, d => d is { Code: DiagnosticCodes.UnknownNext, Location: "$.States.B.Next" });
        Assert.Contains(diagnostics, d => d is { Code: DiagnosticCodes.InvalidPath, Location: "$.States.C.InputPath" });
        Assert.Contains(diagnostics, d => d is { Code: DiagnosticCodes.TransitionOnTerminal, Location: "$.States.D.Next" });
    }

    [Fact]
    public void Unknown_state_type_message_names_the_valid_types()
    {
        var diagnostic = Assert.Single(Validate("""{"StartAt":"A","States":{"A":{"Type":"Tsak","End":true}}}"""));

        Assert.Equal(DiagnosticCodes.UnknownStateType, diagnostic.Code);
        Assert.Contains("Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_StartAt_is_reported()
    {
        var diagnostics = Validate("""{"States":{"A":{"Type":"Pass","End":true}}}""");

        Assert.Contains(diagnostics, d => d is { Code: DiagnosticCodes.MissingField, Location: "$.StartAt" });
    }

    [Fact]
    public void Unreachable_state_is_a_warning_and_the_definition_still_parses()
    {
        var json = """{"StartAt":"A","States":{"A":{"Type":"Pass","End":true},"Orphan":{"Type":"Pass","End":true}}}""";

        var ok = StateMachineDefinition.TryParse(json, out var definition, out var diagnostics);

        Assert.True(ok);
        var warning = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal(DiagnosticCodes.UnreachableState, warning.Code);
        Assert.Equal("$.States.Orphan", warning.Location);
        Assert.Single(definition!.Warnings);
    }

    [Fact]
    public void ResultPath_must_be_a_reference_path()
    {
        var diagnostic = Assert.Single(Validate("""{"StartAt":"A","States":{"A":{"Type":"Pass","ResultPath":"$.xs[*]","End":true}}}"""));

        Assert.Equal(DiagnosticCodes.InvalidPath, diagnostic.Code);
        Assert.Equal("$.States.A.ResultPath", diagnostic.Location);
    }

    [Fact]
    public void Unknown_intrinsic_lists_the_valid_functions()
    {
        var diagnostic = Assert.Single(Validate("""{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x.$":"States.Frobnicate($)"},"End":true}}}"""));

        Assert.Equal(DiagnosticCodes.InvalidIntrinsic, diagnostic.Code);
        Assert.Equal("$.States.A.Parameters['x.$']", diagnostic.Location);
        Assert.Contains("States.ArrayPartition", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Intrinsic_with_the_wrong_number_of_arguments_is_reported()
    {
        var diagnostic = Assert.Single(Validate("""{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x.$":"States.ArrayLength($.a, $.b)"},"End":true}}}"""));

        Assert.Equal(DiagnosticCodes.InvalidIntrinsic, diagnostic.Code);
        Assert.Contains("takes 1 argument(s) but was given 2", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_retry_values_are_each_reported()
    {
        var diagnostics = Validate("""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","End":true,
              "Retry":[{"ErrorEquals":["E"],"IntervalSeconds":0,"MaxAttempts":-1,"BackoffRate":0.5,"MaxDelaySeconds":0,"JitterStrategy":"HALF"}]}}}
            """);

        Assert.Equal(5, diagnostics.Count(d => d.Code == DiagnosticCodes.InvalidRetry));
        Assert.Contains(diagnostics, d => d.Location == "$.States.T.Retry[0].JitterStrategy" && d.Message.Contains("FULL and NONE", StringComparison.Ordinal));
    }

    [Fact]
    public void States_ALL_must_be_alone_and_last()
    {
        var diagnostics = Validate("""
            {"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","End":true,
              "Retry":[{"ErrorEquals":["States.ALL","E"]}],
              "Catch":[{"ErrorEquals":["States.ALL"],"Next":"T"},{"ErrorEquals":["E"],"Next":"T"}]}}}
            """);

        Assert.Contains(diagnostics, d => d is { Code: DiagnosticCodes.StatesAllNotLast, Location: "$.States.T.Retry[0].ErrorEquals" });
        Assert.Contains(diagnostics, d => d is { Code: DiagnosticCodes.StatesAllNotLast, Location: "$.States.T.Catch[0]" });
    }

    [Fact]
    public void Choice_rule_without_operator_names_the_valid_operators()
    {
        var diagnostic = Assert.Single(Validate("""{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","Next":"C"}]}}}"""));

        Assert.Equal(DiagnosticCodes.InvalidChoiceRule, diagnostic.Code);
        Assert.Contains("StringMatches", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_choice_rule_may_not_have_Next()
    {
        var diagnostics = Validate("""{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Not":{"Variable":"$.a","IsPresent":true,"Next":"C"},"Next":"C"}]}}}""");

        Assert.Contains(diagnostics, d => d is { Code: DiagnosticCodes.InvalidChoiceRule, Location: "$.States.C.Choices[0].Not.Next" });
    }

    [Fact]
    public void Choice_literal_of_the_wrong_type_is_reported()
    {
        var diagnostic = Assert.Single(Validate("""{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","NumericEquals":"5","Next":"C"}]}}}"""));

        Assert.Equal(DiagnosticCodes.WrongType, diagnostic.Code);
        Assert.Contains("must be a number", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wait_with_two_duration_fields_is_a_conflict()
    {
        var diagnostic = Assert.Single(Validate("""{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Timestamp":"2024-01-01T00:00:00Z","End":true}}}"""));

        Assert.Equal(DiagnosticCodes.ConflictingFields, diagnostic.Code);
    }

    [Fact]
    public void JSONata_on_a_state_is_rejected_with_its_own_code()
    {
        var diagnostic = Assert.Single(Validate("""{"StartAt":"A","States":{"A":{"Type":"Pass","QueryLanguage":"JSONata","End":true}}}"""));

        Assert.Equal(DiagnosticCodes.JsonataNotSupported, diagnostic.Code);
    }

    [Fact]
    public void Branch_states_may_only_transition_inside_their_branch()
    {
        var diagnostics = Validate("""
            {"StartAt":"P","States":{
              "P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","Next":"P"}}}]}}}
            """);

        Assert.Contains(diagnostics, d => d is { Code: DiagnosticCodes.UnknownNext, Location: "$.States.P.Branches[0].States.B.Next" });
    }

    [Fact]
    public void Duplicate_fields_are_reported()
    {
        var diagnostics = Validate("""{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"End":true}}}""");

        Assert.Contains(diagnostics, d => d.Code == DiagnosticCodes.DuplicateField);
    }

    [Fact]
    public void Heartbeat_must_be_shorter_than_the_timeout()
    {
        var diagnostic = Assert.Single(Validate("""{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","TimeoutSeconds":10,"HeartbeatSeconds":10,"End":true}}}"""));

        Assert.Equal(DiagnosticCodes.InvalidValue, diagnostic.Code);
    }

    [Fact]
    public void Parse_throws_with_every_diagnostic_when_the_definition_is_invalid()
    {
        var e = Assert.Throws<InvalidDefinitionException>(() => StateMachineDefinition.Parse("""{"StartAt":"A","States":{}}"""));

        Assert.NotEmpty(e.Diagnostics);
        Assert.IsAssignableFrom<StatesException>(e);
    }

    [Fact]
    public void Diagnostic_prints_code_severity_location_and_message()
    {
        var text = new Diagnostic(DiagnosticCodes.UnknownNext, DiagnosticSeverity.Error, "$.States.A.Next", "m").ToString();

        Assert.Equal("ASL005 error at $.States.A.Next: m", text);
    }
}
