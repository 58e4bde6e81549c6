namespace Hotline.Host.Live;

/// <summary>
/// The only place SignalR group names are built. A connection joins its role group and, for department users, its department
/// group when it connects, and ticket groups while it watches a ticket. A department user watches through a group of its own
/// (<see cref="Ticket(Guid, string)"/>) that receives a ticket's events only while the ticket is the department's, so a
/// redispatched ticket stops reaching the department that lost it.
/// </summary>
public static class ConsoleGroups
{
    public static string Role(string role) => $"role:{role}";

    public static string Department(string departmentId) => $"department:{departmentId}";

    /// <summary>Watchers who may see every ticket (agents, dispatchers, supervisors, admins).</summary>
    public static string Ticket(Guid ticketId) => $"ticket:{ticketId:N}";

    /// <summary>Watchers from one department: fed only with events in which that department handles the ticket.</summary>
    public static string Ticket(Guid ticketId, string departmentId) => $"ticket:{ticketId:N}:{departmentId}";
}
