/** Always rendered, so screen readers announce a message the moment it appears. */
export function FormMessage({ message }: { message?: string | null }) {
  return (
    <div className="alert" role="status" aria-live="assertive" aria-atomic="true">
      {message ?? ""}
    </div>
  );
}
