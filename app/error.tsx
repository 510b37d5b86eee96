"use client";

/** Shown instead of a blank screen when a request fails unexpectedly (for example, a refused form). */
export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <section className="card">
      <h1>Sorry, that didn&apos;t work</h1>
      <p role="alert">
        Something went wrong sending that form. Please check what you typed and try again.
      </p>
      <div className="actions">
        <button type="button" onClick={() => reset()}>
          Try again
        </button>
        <a className="button secondary" href="/sign-in">
          Go to sign-in
        </a>
      </div>
    </section>
  );
}
