namespace Rheo.Core;

/// <summary>The root of every exception Rheo throws for a reason of its own (not API misuse).</summary>
public abstract class RheoException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    protected RheoException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    protected RheoException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Whether retrying the same operation may succeed.</summary>
    public virtual bool IsTransient => false;
}
