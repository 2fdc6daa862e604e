declare const styles: {
  readonly "artifacts": string;
  readonly "badge": string;
  readonly "error": string;
  readonly "field": string;
  readonly "log": string;
  readonly "meta": string;
  readonly "row": string;
  readonly "run": string;
  readonly "runs": string;
  readonly "stack": string;
  readonly "steps": string;
  readonly "title": string;
  readonly "window": string;
};
export = styles;

