using KubeAgents.Domain.Common;
using KubeAgents.Domain.Notifications;
using KubeAgents.Domain.Sessions;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace KubeAgents.Api.Routing;

/// <summary>
/// Binds query filters of the enum types to their wire names only (<see cref="WireNames{TEnum}"/>):
/// MVC's own enum binding would also take "Running" or "1". An unknown value is the contract's 400
/// naming the parameter and what it accepts; an empty or absent one means no filter.
/// </summary>
internal sealed class WireEnumBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var type = Nullable.GetUnderlyingType(context.Metadata.ModelType) ?? context.Metadata.ModelType;
        return type == typeof(SessionStatus) ? new WireEnumBinder<SessionStatus>(SessionStatusExtensions.Wire)
            : type == typeof(NotificationState) ? new WireEnumBinder<NotificationState>(NotificationStateExtensions.Wire)
            : null;
    }
}

internal sealed class WireEnumBinder<TEnum>(WireNames<TEnum> names) : IModelBinder
    where TEnum : struct, Enum
{
    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        ArgumentNullException.ThrowIfNull(bindingContext);
        var text = bindingContext.ValueProvider.GetValue(bindingContext.ModelName).FirstValue;
        if (string.IsNullOrEmpty(text))
        {
            return Task.CompletedTask;
        }

        if (names.TryParse(text, out var value))
        {
            bindingContext.Result = ModelBindingResult.Success(value);
        }
        else
        {
            bindingContext.ModelState.TryAddModelError(
                bindingContext.ModelName, $"{bindingContext.ModelName} must be one of: {names.List} (got '{text}')");
        }

        return Task.CompletedTask;
    }
}
