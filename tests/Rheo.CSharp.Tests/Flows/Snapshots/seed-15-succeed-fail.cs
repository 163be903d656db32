// Seed, "Succeed" and "Fail": return ends the execution successfully, throw fails it with the type name and cause.
using Rheo.Flows;

namespace Seed.SucceedFail;

public sealed class Wrong(string message) : Exception(message);

public static class StateMachines
{
    public static void Main(FlowData data)
    {
        if (data["ok"] == true)
        {
            return;
        }

        throw new Wrong("mmk");
    }
}
