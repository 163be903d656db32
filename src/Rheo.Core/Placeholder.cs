namespace Rheo.Core;

internal static class Placeholder
{
}
