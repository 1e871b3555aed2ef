namespace PrivateFlows.Workflows.Language;

/// <summary>Marketing sends obey caps and quiet hours; transactional ones only consent.</summary>
public enum SendCategory { Marketing, Transactional }

/// <summary>What a send does when caps or quiet hours block it.</summary>
public enum OnLimit { Defer, Drop }
