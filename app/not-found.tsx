import Link from "next/link";

export default function NotFound() {
  return (
    <section className="card">
      <h1>Page not found</h1>
      <p>That address doesn&apos;t lead anywhere in the portal.</p>
      <p>
        <Link className="button" href="/">
          Go to the portal
        </Link>
      </p>
    </section>
  );
}
