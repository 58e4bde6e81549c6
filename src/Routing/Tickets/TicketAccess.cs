namespace Hotline.Routing.Tickets;

/// <summary>Who may see which tickets, and whose personal data a reader may see.</summary>
public static class TicketAccess
{
    /// <summary>Department handlers see only tickets their department leads or co-handles; other staff see all.</summary>
    public static bool CanSee(Actor actor, Ticket ticket) => actor.Kind switch
    {
        ActorKind.System => true,
        ActorKind.Citizen => false,
        ActorKind.Staff => actor.Role != StaffRole.Department
            || (actor.Department is { } dept && ticket.IsHandledBy(dept)),
    };

    /// <summary>Roles whose work needs the citizen's full contact details (call back, verify); each reveal is logged.</summary>
    public static bool MayRevealCitizen(Actor actor) =>
        actor.IsAnyOf(StaffRole.Agent, StaffRole.Dispatcher, StaffRole.Supervisor);
}

/// <summary>Masks personal data for readers without a need to see it.</summary>
public static class PersonalDataMask
{
    /// <summary>+8613812345678 → 138****5678; landlines keep the area code and the last four digits.</summary>
    public static string Phone(string e164)
    {
        var national = e164.StartsWith("+86", StringComparison.Ordinal) ? e164[3..] : e164.TrimStart('+');
        if (national.Length == 11 && national[0] == '1')
        {
            return $"{national[..3]}****{national[^4..]}";
        }
        if (national.Length <= 4)
        {
            return new string('*', national.Length);
        }
        // Landline without its trunk 0 (e.g. 1012345678 for 010-12345678): show it with the 0, area code kept.
        var withTrunk = "0" + national;
        var keep = withTrunk.StartsWith("01", StringComparison.Ordinal) || withTrunk.StartsWith("02", StringComparison.Ordinal) ? 3 : 4;
        keep = Math.Min(keep, withTrunk.Length - 4);
        return $"{withTrunk[..keep]}{new string('*', withTrunk.Length - keep - 4)}{withTrunk[^4..]}";
    }

    /// <summary>张三 → 张*; 欧阳娜娜 → 欧***.</summary>
    public static string? Name(string? name) =>
        string.IsNullOrEmpty(name) ? name : name[..1] + new string('*', Math.Max(1, name.Length - 1));
}
