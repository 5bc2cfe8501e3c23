// What a form says about itself as a whole: a success line, or errors that belong to no field.
export function FormMessages({ ok, errors }: { ok?: string | undefined; errors?: string[] | undefined }) {
  return (
    <>
      {ok ? (
        <p role="status" className="alert success">
          {ok}
        </p>
      ) : null}
      {errors?.length ? (
        <p role="alert" className="alert error">
          {errors.join(" ")}
        </p>
      ) : null}
    </>
  );
}
