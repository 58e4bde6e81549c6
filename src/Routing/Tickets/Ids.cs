namespace Hotline.Routing.Tickets;

/// <summary>A ticket's internal id. Version-7 GUIDs sort by creation time, which keeps indexes compact.</summary>
public readonly record struct TicketId(Guid Value)
{
    public static TicketId New() => new(Guid.CreateVersion7());
    public override string ToString() => Value.ToString();
}

/// <summary>A department's id: a short, stable code an admin chooses (e.g. <c>city-housing</c>).</summary>
public readonly record struct DepartmentId(string Value)
{
    public override string ToString() => Value;
}
