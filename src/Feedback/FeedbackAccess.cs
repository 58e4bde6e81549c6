using Hotline.Routing.Tickets;

namespace Hotline.Feedback;

/// <summary>Who may see a Feedback record (a rating, its rectification, an appeal): one rule for all of them.</summary>
public static class FeedbackAccess
{
    /// <summary>A department sees its own department's records; the centre's staff see all.</summary>
    public static bool CanSee(Actor actor, DepartmentId? department) =>
        !actor.Is(StaffRole.Department) || (actor.Department is { } dept && department == dept);
}
